import Foundation
import Jobs

/// Rendering of job results for `tarn jobs`: aligned tables for people, JSON for machines.
enum JobsOutput {
    /// A job and its latest run, as `tarn jobs list --format json` prints it.
    struct JobEntry: Encodable {
        var definition: JobDefinition
        var lastRun: RunRecord?
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Columns padded to their widest cell.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func triggers(_ spec: TriggerSpec) -> String {
        var parts: [String] = []
        if spec.onObjectCreated { parts.append("on upload (\(spec.debounceSeconds)s quiet)") }
        if let schedule = spec.schedule { parts.append("cron \(schedule)") }
        return parts.isEmpty ? "manual" : parts.joined(separator: ", ")
    }

    /// A few lines about one run.
    static func summary(_ run: RunRecord) -> String {
        var lines = ["run \(run.sequence) of \(run.job) (\(run.runID)): \(run.status.rawValue)"]
        if run.sources.isEmpty && run.error == nil {
            lines.append(run.kind == .compaction ? "  no partition has small files to merge" : "  nothing new to process")
        } else if let manifest = run.manifest {
            let totals = manifest.totals
            let seconds = (run.finishedAt ?? manifest.processedAt).timeIntervalSince(run.startedAt)
            lines.append("  objects      \(manifest.sources.count) (\(totals.bytesRead) bytes)")
            lines.append("  rows         \(totals.rowsRead) read = \(totals.rowsWritten) written + \(totals.rowsQuarantined) quarantined + \(totals.rowsDuplicate) duplicate")
            let dataFiles = manifest.files.filter { $0.kind == .data }
            lines.append("  files        \(dataFiles.count) Parquet (\(dataFiles.reduce(0) { $0 + $1.bytes }) bytes) in \(manifest.partitions.count) partition(s)")
            if !manifest.replacedFiles.isEmpty { lines.append("  replaced     \(manifest.replacedFiles.count) small file(s)") }
            lines.append(String(format: "  time         %.2f s (processing %.2f s)", seconds, manifest.durations.processing))
        }
        if let error = run.error { lines.append("  error        \(error)") }
        return lines.joined(separator: "\n")
    }
}
