package dev.signet.launcher.bench;

import dev.signet.processor.repair.ModelSettings;
import dev.signet.stubs.ModelReplyScript;
import dev.signet.stubs.ModelStub;
import java.time.Duration;
import java.util.Map;

/**
 * What {@code ./signet bench repair} adds to a sync run: a loopback model stub that answers every
 * call after {@link #MODEL_DELAY} with the one correct repair of {@link #BROKEN_ARGUMENTS}, the
 * environment that points the pipeline's repair worker at it, and a tenant with the fallback
 * enabled and no FU limit. Every request carries the same broken arguments (single quotes, bare
 * names, a quoted amount), which the tolerant parser reads but the schema refuses, so each one
 * takes the model rung: park, worker, stub, outcome, receipt.
 */
final class RepairLoad {

  static final Duration MODEL_DELAY = Duration.ofMillis(200);

  static final String BROKEN_ARGUMENTS =
      "{'invoice_id': 'INV-1', amount: \"12.50\", currency: 'EUR', customer_name: 'ACME GmbH',"
          + " description: 'Consulting hours'}";

  /** The arguments as the model would give them back: same values, valid JSON and schema. */
  private static final String REPAIRED =
      "{\"invoice_id\":\"INV-1\",\"amount\":12.50,\"currency\":\"EUR\","
          + "\"customer_name\":\"ACME GmbH\",\"description\":\"Consulting hours\"}";

  /** Roughly what a small model spends on this prompt and reply; billed as FU per receipt. */
  private static final long PROMPT_TOKENS = 350;

  private static final long COMPLETION_TOKENS = 40;

  /** The most {@code SP_OPENAI_CONCURRENCY} allows. */
  private static final int MAX_CALLS_IN_FLIGHT = 1024;

  private RepairLoad() {}

  static ModelStub startModel() {
    return ModelStub.start(
        ModelReplyScript.content(REPAIRED, PROMPT_TOKENS, COMPLETION_TOKENS).after(MODEL_DELAY));
  }

  /**
   * The repair worker's settings: the stub, a dummy key, and as many model calls in flight as the
   * load has requests, so that the figures are the repair path's and not a queue in front of a
   * smaller pool.
   */
  static Map<String, String> modelEnvironment(ModelStub model, int concurrency) {
    return Map.of(
        ModelSettings.BASE_URL, model.baseUrl(),
        ModelSettings.API_KEY, "sk-bench-dummy",
        ModelSettings.CONCURRENCY, Integer.toString(Math.min(concurrency, MAX_CALLS_IN_FLIGHT)));
  }

  /** {@code SP_API_KEYS} with {@code apiKey} for {@code tenant}, allowed to use the model. */
  static String apiKeys(String apiKey, String tenant) {
    return "{\"" + apiKey + "\":{\"tenant\":\"" + tenant + "\",\"fallback_enabled\":true}}";
  }
}
