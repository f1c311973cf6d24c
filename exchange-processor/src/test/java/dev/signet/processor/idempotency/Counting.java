package dev.signet.processor.idempotency;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store that counts the rows it hands out, by get or by iteration: what an expiry run touches.
 */
final class Counting {

  private Counting() {}

  @SuppressWarnings("unchecked")
  static <K, V> KeyValueStore<K, V> store(KeyValueStore<K, V> store, AtomicLong rowsRead) {
    return (KeyValueStore<K, V>)
        Proxy.newProxyInstance(
            Counting.class.getClassLoader(),
            new Class<?>[] {KeyValueStore.class},
            (proxy, method, args) -> {
              Object result = invoke(store, method, args);
              if (method.getName().equals("get")) {
                rowsRead.incrementAndGet();
              }
              return result instanceof KeyValueIterator<?, ?> iterator
                  ? iterator(iterator, rowsRead)
                  : result;
            });
  }

  private static KeyValueIterator<?, ?> iterator(
      KeyValueIterator<?, ?> iterator, AtomicLong rowsRead) {
    return (KeyValueIterator<?, ?>)
        Proxy.newProxyInstance(
            Counting.class.getClassLoader(),
            new Class<?>[] {KeyValueIterator.class},
            (proxy, method, args) -> {
              if (method.getName().equals("next")) {
                rowsRead.incrementAndGet();
              }
              return invoke(iterator, method, args);
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
