package io.lifeboat.repository.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The shared Jackson mapper (thread-safe once configured). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
}
