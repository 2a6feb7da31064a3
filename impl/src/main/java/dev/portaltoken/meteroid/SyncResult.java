package dev.portaltoken.meteroid;

/**
 * What a sync changed (customers that came from upstream only) and what it left.
 *
 * @param created        new here
 * @param renamed        name changed
 * @param aliasChanged   alias changed (set, cleared or another)
 * @param emailChanged   billing email changed
 * @param archived       archived upstream since
 * @param unarchived     unarchived upstream since
 * @param heldApart      listed ids that are customers here of another origin: left alone
 * @param withoutAlias   kept without upstream's alias (another customer here holds it, or it cannot be one here)
 * @param notListed      from upstream but in neither list this time: left as they are
 * @param raced          to create, but created meanwhile by a webhook (or their alias was taken meanwhile)
 */
public record SyncResult(long created, long renamed, long aliasChanged, long emailChanged, long archived,
                         long unarchived, long heldApart, long withoutAlias, long notListed, long raced) {
    /** One line, as the CLI prints it and the connection records it. */
    public String summary() {
        return created + " created, " + renamed + " renamed, " + aliasChanged + " alias changed, " + emailChanged
                + " email changed, " + archived + " archived, " + unarchived + " unarchived; " + heldApart
                + " not from Meteroid left alone, " + withoutAlias + " without their alias, " + notListed
                + " not listed" + (raced > 0 ? ", " + raced + " created meanwhile" : "");
    }
}
