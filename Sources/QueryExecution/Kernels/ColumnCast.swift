import Columnar

/// CAST / TRY_CAST of whole columns for code outside the engine: sources turn Hive partition
/// text into typed values and tolerant text readers turn rejected fields into NULLs, with
/// exactly the conversions SQL casts use.
public enum ColumnCast {
    /// Converts a column to `type`.
    /// - Parameters:
    ///   - column: the input (any scalar engine type).
    ///   - type: the target type.
    ///   - safe: true for TRY_CAST (values that do not convert become NULL), false for CAST.
    /// - Throws: `TarnError(.invalidValue)` for a value that does not convert when `safe` is
    ///   false; `.typeMismatch` for conversions SQL does not define.
    public static func cast(_ column: Column, to type: DataType, safe: Bool) throws -> Column {
        try CastKernels.cast(column, to: type, safe: safe)
    }

    /// Converts one text value to `type` as TRY_CAST does; `.null` when it does not convert.
    public static func value(fromText text: String, as type: DataType) -> Value {
        if type == .string { return .string(text) }
        let column = ConstantColumn.make(.string(text), type: .string, count: 1)
        guard let converted = try? CastKernels.cast(column, to: type, safe: true) else { return .null }
        return converted.value(at: 0)
    }
}
