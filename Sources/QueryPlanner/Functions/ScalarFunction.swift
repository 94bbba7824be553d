import Columnar

/// Scalar functions the engine implements; the binder resolves names and argument types to one
/// of these, and execution dispatches on it.
public enum ScalarFunction: String, Hashable, Sendable, CaseIterable {
    // Arithmetic and math.
    case negate, abs, round, floor, ceil, mod, power, sqrt, sign, exp, ln, log10, log2, truncate
    case greatest, least
    // Strings.
    case concat, lower, upper, trim, ltrim, rtrim, length, substr, replace
    case splitPart = "split_part", strpos, reverse, lpad, rpad, startsWith = "starts_with"
    case regexpLike = "regexp_like", regexpExtract = "regexp_extract", regexpReplace = "regexp_replace"
    // Dates and times.
    case dateTrunc = "date_trunc", dateAdd = "date_add", dateDiff = "date_diff"
    case year, quarter, month, week, day, hour, minute, second, millisecond
    case dayOfWeek = "day_of_week", dayOfYear = "day_of_year"
    case currentDate = "current_date", currentTimestamp = "current_timestamp"
    case fromISO8601Timestamp = "from_iso8601_timestamp", fromISO8601Date = "from_iso8601_date"
    case formatDatetime = "format_datetime", dateFormat = "date_format", dateParse = "date_parse"
    case toUnixtime = "to_unixtime", fromUnixtime = "from_unixtime"
    // Other.
    case random

    /// Whether equal inputs always give equal outputs (false for `random`; `current_*` are fixed
    /// per query, so they count as deterministic).
    public var isDeterministic: Bool { self != .random }
}

/// Aliases Trino accepts for the same function.
enum FunctionAliases {
    static let scalar: [String: ScalarFunction] = [
        "ceiling": .ceil, "pow": .power, "substring": .substr, "char_length": .length, "character_length": .length,
        "dow": .dayOfWeek, "doy": .dayOfYear, "dayofyear": .dayOfYear, "day_of_month": .day, "now": .currentTimestamp, "position": .strpos,
        "week_of_year": .week, "ucase": .upper, "lcase": .lower, "localtimestamp": .currentTimestamp,
    ]
    static let aggregate: [String: AggregateFunction] = [
        "count": .count, "sum": .sum, "avg": .avg, "min": .min, "max": .max, "approx_distinct": .approxDistinct,
        "stddev": .stddevSamp, "stddev_samp": .stddevSamp, "stddev_pop": .stddevPop, "variance": .varianceSamp,
        "var_samp": .varianceSamp, "var_pop": .variancePop, "bool_and": .boolAnd, "bool_or": .boolOr, "every": .boolAnd,
        "arbitrary": .arbitrary, "any_value": .arbitrary, "count_if": .countIf,
    ]
    static let window: [String: WindowFunction] = [
        "row_number": .rowNumber, "rank": .rank, "dense_rank": .denseRank, "percent_rank": .percentRank,
        "cume_dist": .cumeDist, "ntile": .ntile, "lag": .lag, "lead": .lead, "first_value": .firstValue,
        "last_value": .lastValue, "nth_value": .nthValue,
    ]
}
