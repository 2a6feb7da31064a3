package dev.portaltoken.config;

/** How log lines are written. */
public enum LogFormat {
    PLAIN,
    JSON
}
