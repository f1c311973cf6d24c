package dev.signet.ingress;

import dev.signet.ingress.exchange.ExchangeGateway;
import dev.signet.store.query.ReceiptQueries;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import javax.sql.DataSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The ingress application on a real embedded Tomcat (random port, loopback only) with the demo
 * tenant's key and no reachable Kafka or PostgreSQL: the test mocks what it needs of them ({@code
 * ExchangeGateway}, {@code ReceiptQueries}, the {@code receiptDataSource}). A test adds or
 * overrides settings with {@code @TestPropertySource(properties = ...)}, whose values win over
 * these.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(
    classes = IngressApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "signet.api-keys={\"demo_key\":{\"tenant\":\"demo\"}}",
      // 32 zero bytes, base64url: a valid Ed25519 seed for a test.
      "signet.private-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "signet.kafka-bootstrap=127.0.0.1:1",
      "signet.postgres-url=jdbc:postgresql://127.0.0.1:1/unused"
    })
@MockitoBean(types = {ExchangeGateway.class, ReceiptQueries.class})
@MockitoBean(name = "receiptDataSource", types = DataSource.class)
public @interface StandaloneIngress {}
