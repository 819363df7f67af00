package io.lifeboat.usecase;

/** Use cases of the facade; see {@link io.lifeboat.Lifeboat}. */
public final class Integrity {
    private final Context context;

    public Integrity(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }
}
