package dev.signet.processor.repair;

import dev.signet.core.message.RepairRequest;

/**
 * Asks the model to repair one exchange's arguments. Blocking (the repair worker calls it on its
 * own pool, never on a stream thread), thread-safe, and it never throws for what the model or the
 * network does: those are {@link ModelReply.Failed}.
 */
public interface ModelClient extends AutoCloseable {

  ModelReply repair(RepairRequest request);

  @Override
  void close();
}
