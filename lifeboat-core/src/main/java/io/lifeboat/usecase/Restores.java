package io.lifeboat.usecase;

/** Use cases of the facade; see {@link io.lifeboat.Lifeboat}. */
public final class Restores {
    private final Context context;

    public Restores(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }
}
