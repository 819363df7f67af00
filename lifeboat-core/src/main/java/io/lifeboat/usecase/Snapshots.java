package io.lifeboat.usecase;

/** Use cases of the facade; see {@link io.lifeboat.Lifeboat}. */
public final class Snapshots {
    private final Context context;

    public Snapshots(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }
}
