/**
 * Any OpenFeature provider (flagd, LaunchDarkly, Flagsmith, GO Feature Flag, ConfigCat, ...) as the
 * {@link dev.rollback.core.flag.FlagSource} of the release guards, through the application's own
 * OpenFeature {@link dev.openfeature.sdk.Client}.
 */
@NullMarked
package dev.rollback.openfeature;

import org.jspecify.annotations.NullMarked;
