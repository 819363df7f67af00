package io.lifeboat.cli;

/** Entry point of the {@code lifeboat} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("lifeboat");
    }
}
