package io.lifeboat.storage.testing;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNames;
import io.lifeboat.storage.ObjectNotFoundException;
import io.lifeboat.storage.internal.Streams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Objects held in memory, for fast tests. A save reads the whole content first and stores it with one
 * map update, so it is atomic and a failed save leaves nothing; a load works on the bytes stored when it
 * began. Thread-safe.
 */
public final class MemoryBackend implements Backend {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final String location = "memory:" + INSTANCES.incrementAndGet();

    @Override
    public String location() {
        return location;
    }

    @Override
    public void save(String name, ContentSource source) throws IOException {
        ObjectNames.check(name);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.min(source.length(), 1 << 20));
        try (InputStream in = source.open()) {
            Streams.copyExactly(in, buffer, source.length());
        }
        objects.put(name, buffer.toByteArray());
    }

    @Override
    public InputStream load(String name, long offset, long length) throws IOException {
        ObjectNames.check(name);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        byte[] bytes = objects.get(name);
        if (bytes == null) {
            throw new ObjectNotFoundException(name);
        }
        int from = (int) Math.min(offset, bytes.length);
        int to = length < 0 ? bytes.length : (int) Math.min(bytes.length, from + length);
        return new ByteArrayInputStream(bytes, from, to - from);
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        ObjectNames.check(name);
        byte[] bytes = objects.get(name);
        return bytes == null ? Optional.empty() : Optional.of(new ObjectInfo(name, bytes.length));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectNames.checkPrefix(prefix);
        List<ObjectInfo> result = new ArrayList<>();
        objects.forEach((name, bytes) -> {
            if (name.startsWith(prefix)) {
                result.add(new ObjectInfo(name, bytes.length));
            }
        });
        return result;
    }

    @Override
    public void delete(String name) {
        ObjectNames.check(name);
        objects.remove(name);
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return location;
    }
}
