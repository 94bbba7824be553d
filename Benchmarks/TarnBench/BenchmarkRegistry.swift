/// Every benchmark `TarnBench` can run, by name. Add one line per benchmark function.
enum BenchmarkRegistry {
    /// Name → function taking the remaining command-line arguments.
    static let all: [String: @Sendable ([String]) async throws -> Void] = [
        "checksums": checksumsBenchmark,
        "checksums-short": shortChecksumsBenchmark,
        "access": accessBenchmark,
        "security": securityBenchmark,
        "textformats-csv": textFormatsCSVBenchmark,
        "textformats-json": textFormatsJSONBenchmark,
        "parquet-decode": parquetDecodeBenchmark,
        "parquet-convert": parquetConvertBenchmark,
        "sql": sqlBenchmark,
        "sql-lake": sqlLakeBenchmark,
        "ingest": ingestBenchmark,
        "s3load": s3LoadBenchmark,
        "jobs-sales": jobsSalesBenchmark,
    ]
}
