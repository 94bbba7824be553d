import Jobs

/// A small, deterministic CSV feed for tests that need many runs (crash injection, triggers,
/// compaction): events over six days with re-sent rows and a few dirty ones.
enum SyntheticEvents {
    /// The job reading `raw/events/` into `cleansed/events/`, partitioned by day.
    static func job(name: String = "events", rowGroupRows: Int = 400, triggers: TriggerSpec = TriggerSpec()) -> JobDefinition {
        JobDefinition(
            name: name,
            source: JobSource(bucket: "retail", prefix: "raw/\(name)/", format: .csv),
            target: JobTarget(
                database: "test", table: name, bucket: "retail", prefix: "cleansed/\(name)/",
                columns: [
                    JobColumn("id", "string", rules: ColumnRules(required: true, pattern: "E[0-9]{6}")),
                    JobColumn("seq", "bigint", rules: ColumnRules(required: true, minimum: "0")),
                    JobColumn("amount", "decimal(8,2)", rules: ColumnRules(minimum: "0", maximum: "10000")),
                    JobColumn("kind", "string", transforms: [.trim, .lower], rules: ColumnRules(required: true, allowedValues: ["a", "b", "c"])),
                    JobColumn("at", "timestamp", rules: ColumnRules(required: true)),
                    JobColumn("year", "int", derived: .year(of: "at")),
                    JobColumn("month", "int", derived: .month(of: "at")),
                    JobColumn("day", "int", derived: .day(of: "at")),
                ],
                partitionKeys: ["year", "month", "day"]),
            dedupe: DedupeSpec(keys: ["id"]),
            quarantine: ObjectLocation(bucket: "retail", prefix: "quarantine/\(name)/"),
            output: OutputOptions(rowGroupRows: rowGroupRows),
            triggers: triggers)
    }

    /// Object `index` of the feed: `rows` rows, ids continuing across objects, every 50th row a
    /// re-sent copy of an earlier one, every 97th row dirty in one of four ways.
    static func object(_ index: Int, rows: Int = 1500) -> String {
        var text = "id,seq,amount,kind,at\n"
        var produced: [String] = []
        for row in 0..<rows {
            let n = index * rows + row
            if row % 50 == 49, let earlier = produced.dropLast(3).last {
                text += earlier + "\n"
                continue
            }
            let day = 1 + (n / 400) % 6
            let hour = (n * 7) % 24, minute = (n * 13) % 60
            var line = "E\(String(n).leftPadded(6)),\(n),\(n % 1000).\(String(n % 100).leftPadded(2)),\(["a", " B", "c "][n % 3]),2024-03-0\(day)T\(String(hour).leftPadded(2)):\(String(minute).leftPadded(2)):00"
            if row % 97 == 96 {
                switch (n / 97) % 4 {
                case 0: line = "E\(String(n).leftPadded(6)),\(n),-5.00,a,2024-03-01T00:00:00"  // below the minimum
                case 1: line = "E\(String(n).leftPadded(6)),x\(n),1.00,a,2024-03-01T00:00:00"  // not a number
                case 2: line = "E\(String(n).leftPadded(6)),\(n),1.00,z,2024-03-01T00:00:00"  // not an allowed kind
                default: line = "E\(String(n).leftPadded(6)),\(n),1.00,a"  // too few fields
                }
            }
            produced.append(line)
            text += line + "\n"
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
