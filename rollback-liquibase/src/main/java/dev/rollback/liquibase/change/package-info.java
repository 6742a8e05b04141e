/**
 * The expand/contract change types that changelogs use, in XML (namespace
 * {@code http://rollback.dev/xml/ns/liquibase}) or YAML (by change name, e.g.
 * {@code expandRenameColumn}). Liquibase update runs their expand step; {@code ExpandContract}
 * runs contract and rollback from the phase table.
 */
@NullMarked
package dev.rollback.liquibase.change;

import org.jspecify.annotations.NullMarked;
