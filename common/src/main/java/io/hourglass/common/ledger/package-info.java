/**
 * The run ledger (plain JDBC, no Spark): every run of a job for a dataset and hour is recorded with its
 * status, accounts and resources, and a lease-based lock refuses a second run of the same hour while
 * the first one's driver is alive. {@link io.hourglass.common.ledger.JdbcRunLedger} is the entry point;
 * its schema is migrated by Flyway from {@code db/migration/ledger}.
 */
package io.hourglass.common.ledger;
