package io.lifeboat.usecase;

/** Use cases of the facade; see {@link io.lifeboat.Lifeboat}. */
public final class Backups {
    private final Context context;

    public Backups(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }
}
