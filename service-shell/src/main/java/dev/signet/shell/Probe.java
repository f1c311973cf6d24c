package dev.signet.shell;

/**
 * The two questions an orchestrator asks: restart me? ({@link #LIVE}) send me work? ({@link
 * #READY})
 */
enum Probe {
  LIVE,
  READY;

  boolean up(Health health) {
    return this == LIVE ? health.live() : health.ready();
  }
}
