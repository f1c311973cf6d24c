package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class ReceiptWriterTest {

  @Test
  void shouldTreatDataRefusalsAsPermanent() {
    assertThat(ReceiptWriter.isRefusedData(new SQLException("bad timestamp", "22007"))).isTrue();
    assertThat(ReceiptWriter.isRefusedData(new SQLException("not null", "23502"))).isTrue();
    assertThat(ReceiptWriter.isRefusedData(new SQLException("index row too big", "54000")))
        .isTrue();
  }

  @Test
  void shouldRetryOutagesAndUnknownFailures() {
    assertThat(ReceiptWriter.isRefusedData(new SQLTransientConnectionException("pool timeout")))
        .isFalse();
    assertThat(ReceiptWriter.isRefusedData(new SQLException("connection refused", "08001")))
        .isFalse();
    assertThat(ReceiptWriter.isRefusedData(new SQLException("shutting down", "57P01"))).isFalse();
    assertThat(ReceiptWriter.isRefusedData(new SQLException("serialization", "40001"))).isFalse();
  }
}
