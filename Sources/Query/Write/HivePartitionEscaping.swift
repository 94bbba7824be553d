import Columnar
import QueryExecution
import TarnCore

/// Hive's spelling of partition values in paths (`FileUtils.escapePathName`): characters that
/// would break a path or a `key=value` pair are written `%XX`, and NULL is the default
/// partition `__HIVE_DEFAULT_PARTITION__`. `HivePartitionPath.unescape` reads them back.
enum HivePartitionEscaping {
    /// `name=value` for one partition column.
    static func component(name: String, value: Value, type: DataType) -> String {
        "\(HivePartitionPath.escape(name))=\(text(value, type))"
    }

    /// The value as Hive writes it in a path.
    static func text(_ value: Value, _ type: DataType) -> String {
        HivePartitionPath.pathValue(value.isNull ? nil : ValueFormatting.text(value, type))
    }
}
