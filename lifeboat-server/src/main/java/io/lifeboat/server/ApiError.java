package io.lifeboat.server;

/**
 * An API failure with its HTTP status and a message that says what to do: 400 malformed request, 401 no or
 * bad token, 403 not allowed, 404 unknown (or not visible), 409 state conflict, 422 valid but refused.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "unauthorized", message);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, "forbidden", message);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "not_found", what + " does not exist or is not visible to you");
    }

    public static ApiError conflict(String message) {
        return new ApiError(409, "conflict", message);
    }

    public static ApiError unprocessable(String message) {
        return new ApiError(422, "unprocessable", message);
    }
}
