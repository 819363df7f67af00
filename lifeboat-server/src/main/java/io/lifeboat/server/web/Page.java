package io.lifeboat.server.web;

/**
 * What every dashboard page shows around its content: its title, the signed-in user, the form token that
 * proves a form was sent from a page of this dashboard, and which part of the navigation is current.
 *
 * @param title the page's title
 * @param user the signed-in user's name, or null on the sign-in page
 * @param csrf the session's form token, or null on the sign-in page
 * @param admin whether the user is a portal admin (sees the audit log and users)
 * @param section the navigation entry that is current: overview, restores, drills, audit, users
 */
public record Page(String title, String user, String csrf, boolean admin, String section) {

    /** The sign-in page: no user, no navigation. */
    public static Page signIn() {
        return new Page("Sign in", null, null, false, "");
    }
}
