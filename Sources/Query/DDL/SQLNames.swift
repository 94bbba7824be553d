import SQLParser

// SQLParser declares a `ColumnDefinition` as the Catalog module does; files that import both
// use this name for the parsed one.

/// A column as written in `CREATE EXTERNAL TABLE`.
typealias SQLColumnDefinition = ColumnDefinition
