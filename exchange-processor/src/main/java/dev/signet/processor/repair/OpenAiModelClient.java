package dev.signet.processor.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.signet.core.message.RepairRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ModelClient} over openai-java's chat completions. Each call asks for a {@code
 * json_schema} structured output carrying the arguments' schema (not strict: our schemas use
 * keywords strict mode refuses), at temperature 0, and returns the first choice's text untouched:
 * fences and the like are the processor's parse ladder's business.
 *
 * <p>Retries are openai-java's own: on 408, 409, 429, 5xx and I/O failures (timeouts included), up
 * to {@link ModelSettings#maxRetries()} times, with exponential backoff from 0.5 s (capped at 8 s,
 * with jitter) or the server's {@code Retry-After-Ms} / {@code Retry-After}. {@link
 * ModelSettings#timeout()} bounds each attempt. Attempts are counted by {@link AttemptCounter}.
 *
 * <p>A reply without {@code usage} is {@link ModelReply.Failed} {@code MODEL_ERROR}: its tokens
 * cannot be metered, and a repair that cannot be billed is not used. A reply with usage but no text
 * (no choice, or a refusal) is {@link ModelReply.Replied} with empty content: the tokens were
 * spent, and the parse ladder rejects the empty text.
 */
public final class OpenAiModelClient implements ModelClient {

  static final String SYSTEM_PROMPT =
      "You repair malformed JSON tool-call arguments. Rewrite the arguments the user gives as one"
          + " JSON document that satisfies the JSON Schema of the response format. Fix only syntax"
          + " and structure. Never change the meaning of any value: keep every amount, currency,"
          + " identifier, date and enum value exactly as given, and do not invent values that are"
          + " missing. Answer with the JSON document only, without explanation or code fences.";

  private static final int MAX_SCHEMA_NAME = 64;
  private static final int MAX_DETAIL = 500;

  private final ModelSettings settings;
  private final AttemptCounter attempts = new AttemptCounter();
  private final OpenAIClient client;

  public OpenAiModelClient(ModelSettings settings) {
    if (!settings.available()) {
      throw new IllegalArgumentException(
          ModelSettings.API_KEY + " is not set: the model fallback is unavailable");
    }
    this.settings = settings;
    this.client =
        OpenAIOkHttpClient.builder()
            .baseUrl(settings.baseUrl())
            .apiKey(settings.apiKey())
            .timeout(settings.timeout())
            .maxRetries(settings.maxRetries())
            // Keep a connection per call in flight; five minutes is OkHttp's default keep-alive.
            .maxIdleConnections(settings.concurrency())
            .keepAliveDuration(Duration.ofMinutes(5))
            .addInterceptor(attempts)
            .build();
  }

  @Override
  public ModelReply repair(RepairRequest request) {
    attempts.begin();
    try {
      ChatCompletion completion = client.chat().completions().create(params(request));
      return replied(completion, attempts.count());
    } catch (OpenAIServiceException e) {
      // Not the error body: a provider may echo parts of the key in it, and the detail travels
      // on in the repair outcome.
      return new ModelReply.Failed(
          "MODEL_HTTP_" + e.statusCode(),
          "the model answered HTTP " + e.statusCode(),
          attempts.count());
    } catch (RuntimeException e) {
      return failed(failureCode(e), e, attempts.count());
    } finally {
      attempts.end();
    }
  }

  @Override
  public void close() {
    client.close();
  }

  ChatCompletionCreateParams params(RepairRequest request) {
    ResponseFormatJsonSchema.JsonSchema jsonSchema =
        ResponseFormatJsonSchema.JsonSchema.builder()
            .name(schemaName(request.argumentsSchemaName()))
            .schema(schema(request.argumentsSchema()))
            .strict(false)
            .build();
    return ChatCompletionCreateParams.builder()
        .model(settings.model())
        .addSystemMessage(SYSTEM_PROMPT)
        .addUserMessage(userMessage(request))
        .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(jsonSchema).build())
        .maxCompletionTokens(settings.maxCompletionTokens())
        .temperature(0.0)
        .build();
  }

  /** OpenAI accepts schema names of at most 64 characters from {@code [a-zA-Z0-9_-]}. */
  static String schemaName(String argumentsSchemaName) {
    String name = argumentsSchemaName.replaceAll("[^a-zA-Z0-9_-]", "_");
    if (name.length() > MAX_SCHEMA_NAME) {
      name = name.substring(0, MAX_SCHEMA_NAME);
    }
    return name.isEmpty() ? "arguments" : name;
  }

  private static ResponseFormatJsonSchema.JsonSchema.Schema schema(JsonNode argumentsSchema) {
    ResponseFormatJsonSchema.JsonSchema.Schema.Builder schema =
        ResponseFormatJsonSchema.JsonSchema.Schema.builder();
    for (Map.Entry<String, JsonNode> property : argumentsSchema.properties()) {
      schema.putAdditionalProperty(property.getKey(), JsonValue.fromJsonNode(property.getValue()));
    }
    return schema.build();
  }

  private static String userMessage(RepairRequest request) {
    String failure = request.failure() == null ? "not given" : request.failure();
    return "Type: "
        + request.argumentsSchemaName()
        + "\nWhat failed: "
        + failure
        + "\nArguments as received:\n"
        + request.arguments();
  }

  private static ModelReply replied(ChatCompletion completion, int attempts) {
    Optional<CompletionUsage> usage = completion.usage();
    if (usage.isEmpty()) {
      return new ModelReply.Failed(
          "MODEL_ERROR", "the reply carries no usage, so its tokens cannot be metered", attempts);
    }
    String content =
        completion.choices().isEmpty()
            ? ""
            : completion.choices().get(0).message().content().orElse("");
    return new ModelReply.Replied(content, usage.get().totalTokens(), completion.model(), attempts);
  }

  private static String failureCode(RuntimeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException
          || cause instanceof NoRouteToHostException
          || cause instanceof UnknownHostException) {
        return "MODEL_UNREACHABLE";
      }
      // OkHttp's call timeout and socket read timeouts are both InterruptedIOExceptions.
      if (cause instanceof InterruptedIOException) {
        return Thread.currentThread().isInterrupted() ? "MODEL_ERROR" : "MODEL_TIMEOUT";
      }
      // Any other I/O failure: the connection was reset or closed before an answer came.
      if (cause instanceof IOException) {
        return "MODEL_UNREACHABLE";
      }
    }
    return "MODEL_ERROR";
  }

  private static ModelReply.Failed failed(String code, RuntimeException e, int attempts) {
    String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "...";
    }
    return new ModelReply.Failed(code, detail, attempts);
  }
}
