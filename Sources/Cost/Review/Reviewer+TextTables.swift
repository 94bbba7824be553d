import Foundation

extension Reviewer {
    /// Catalog tables stored as CSV/JSON that queries read often: every query pays for the
    /// whole text (no column pruning, no row-group statistics), so converting them pays back
    /// per query. The saving uses the Parquet ratio measured on the table's own data when the
    /// data set was sampled.
    func textTablesQueriedOften(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.textTables.compactMap { table in
            guard table.queries >= thresholds.textTableQueriesPerMonth else { return nil }
            var evidence = [
                "\(table.name) is stored as \(table.format.uppercased()) at \(table.location)",
                "\(table.queries) queries in the last 30 days read \(Format.bytes(table.bytesScanned)) from it",
            ]
            let ratio = snapshot.datasets.first { "s3://\($0.bucket)/\($0.location)" == table.location || table.location.hasSuffix($0.location) }?
                .measuredParquetRatio
            var effect = "every query reads the whole text; Parquet lets queries read only the columns and row groups they need"
            if let ratio {
                let saved = Double(table.bytesScanned) * (1 - ratio)
                evidence.append("converting a sample of it to Parquet gave \(String(format: "%.1f", 100 * ratio))% of its size")
                effect = "about \(Format.bytes(Int64(saved))) fewer bytes scanned a month at the same query load (\(Format.usd(saved / 1e12 * prices.athenaPerTB)) at Athena's price), before column pruning"
            }
            return Finding(
                check: "performance.text-format-queried-often", pillar: .performance, severity: .medium, resource: table.location,
                title: "A CSV/JSON table is queried often", evidence: evidence, effect: effect,
                fix: "CREATE TABLE … WITH (format = 'PARQUET', partitioned_by = …) AS SELECT * FROM \(table.name), or an ETL job that writes Parquet, then query that table")
        }
    }
}
