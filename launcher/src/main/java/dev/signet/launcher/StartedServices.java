package dev.signet.launcher;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What has been started so far, stopped in reverse order, also when a later start fails. */
final class StartedServices implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StartedServices.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  <T extends AutoCloseable> T add(T service) {
    started.push(service);
    return service;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable service = started.pop();
      try {
        service.close();
      } catch (Exception e) {
        log.warn("error while stopping {}", service, e);
      }
    }
  }
}
