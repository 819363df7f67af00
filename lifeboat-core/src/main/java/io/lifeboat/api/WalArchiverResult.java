package io.lifeboat.api;

/** Counters of an archiver run; {@code rejected} files were kept aside in the spool (an alarm). */
public record WalArchiverResult(long pushed, long alreadyArchived, long rejected, long errors, long waiting) {}
