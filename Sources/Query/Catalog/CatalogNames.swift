import Catalog

// The `Catalog` module shares its name with QueryPlanner's `Catalog` protocol, and both it and
// SQLParser declare a `ColumnDefinition`; files that import both use these names.

/// A catalog column (name, Hive type, comment).
typealias CatalogColumn = Catalog.ColumnDefinition
