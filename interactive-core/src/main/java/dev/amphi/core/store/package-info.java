/**
 * Durable state: {@link dev.amphi.core.store.Database} opens the JDBC database (an embedded SQLite
 * file in WAL mode in the data directory by default, or any JDBC URL, e.g. PostgreSQL for several
 * nodes) through a HikariCP pool and migrates its schema with Flyway at start;
 * {@link dev.amphi.core.store.CommentStore} keeps viewers' comments. Every call blocks on JDBC: call
 * them from a worker thread, never from an event loop.
 */
package dev.amphi.core.store;
