package io.hourglass.common.ledger;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The ledger's own connections as a {@link DataSource}, for Flyway: its migrations then open the database the
 * way every other ledger call does (the embedded file's opening lock, the wait on a busy H2 lock file) instead
 * of through a driver URL of their own.
 */
final class LedgerDataSource implements DataSource {
  private final Supplier<Connection> connections;

  LedgerDataSource(Supplier<Connection> connections) {
    this.connections = connections;
  }

  @Override
  public Connection getConnection() {
    return connections.get();
  }

  /** The ledger's settings name the user; Flyway asks with none. */
  @Override
  public Connection getConnection(String username, String password) {
    return connections.get();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging here");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper of " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
