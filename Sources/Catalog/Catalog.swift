/// # Catalog
///
/// The lake's table catalog — the role of the AWS Glue Data Catalog: databases, tables with
/// their columns, storage format and location, and partitions with their locations. The SQL
/// engine resolves names against it, ETL jobs register partitions in it, Firehose reads table
/// schemas from it, and the Glue-compatible API serves it.
///
/// ```
///  CatalogStore (SQLite, WAL + synchronous=FULL, GroupCommitter)
///    databases(name, description, location)
///    tables(database, name → TableDefinition as JSON)
///    partitions(database, table, values → location)
///  HiveType: Glue/Hive type strings ("decimal(10,2)", "array<struct<a:int>>") ⇄ Columnar.DataType
/// ```
///
/// Types are stored as Hive type strings, exactly as Glue stores them, so an exported catalog
/// can be loaded by Glue, Hive metastore or Trino unchanged.
public enum CatalogModule {}
