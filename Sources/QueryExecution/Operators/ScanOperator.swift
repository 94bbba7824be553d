import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Hands out the splits of one scan to one or more scan operators (workers), and sums what
/// they read.
final class SplitQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let splits: [any ScanSplit]
    private var nextIndex = 0
    private var statistics: ScanStatistics
    /// Rows produced so far by all workers (for the LIMIT short-circuit).
    private var rows = 0
    /// Streams still open (a LIMIT may stop reading mid-split); their reads count too.
    private var open: [ObjectIdentifier: any BatchStream] = [:]

    init(plan: ScanPlan) {
        splits = plan.splits
        statistics = plan.pruned
    }

    var count: Int { splits.count }

    func take() -> (any ScanSplit)? {
        lock.withLock {
            guard nextIndex < splits.count else { return nil }
            defer { nextIndex += 1 }
            return splits[nextIndex]
        }
    }

    func add(_ stats: ScanStatistics, rows produced: Int) {
        lock.withLock {
            statistics.add(stats)
            rows += produced
        }
    }

    var producedRows: Int { lock.withLock { rows } }

    func opened(_ stream: any BatchStream) {
        lock.withLock { open[ObjectIdentifier(stream)] = stream }
    }

    func finished(_ stream: any BatchStream) {
        lock.withLock {
            open[ObjectIdentifier(stream)] = nil
            statistics.add(stream.statistics)
        }
    }

    /// What all workers read, plus what was pruned while planning.
    var total: ScanStatistics {
        lock.withLock {
            var result = statistics
            for stream in open.values { result.add(stream.statistics) }
            return result
        }
    }
}

/// Reads splits and converts columns to the engine's types (unsigned → wider signed,
/// timestamps → microseconds).
final class ScanOperator: Operator {
    let queue: SplitQueue
    let outputs: [ColumnRef]
    let outputSchema: Schema
    let limit: Int?
    let stats = OperatorStats()
    private var stream: (any BatchStream)?
    private var produced = 0

    init(queue: SplitQueue, outputs: [ColumnRef], limit: Int?) {
        self.queue = queue
        self.outputs = outputs
        outputSchema = schema(of: outputs)
        self.limit = limit
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            while true {
                if let limit, queue.producedRows >= limit {
                    finishStream()
                    return nil
                }
                if stream == nil {
                    guard let split = queue.take() else { return nil }
                    let opened = try split.open()
                    queue.opened(opened)
                    stream = opened
                    produced = 0
                }
                guard let batch = try stream!.next() else {
                    finishStream()
                    continue
                }
                if batch.rowCount == 0 { continue }
                queue.add(ScanStatistics(), rows: batch.rowCount)
                produced += batch.rowCount
                return try normalize(batch)
            }
        }
    }

    private func finishStream() {
        if let stream { queue.finished(stream) }
        stream = nil
    }

    private func normalize(_ batch: RecordBatch) throws -> RecordBatch {
        guard batch.columns.count == outputs.count else {
            throw TarnError(.internal, "source returned \(batch.columns.count) columns, scan expects \(outputs.count)")
        }
        var columns = batch.columns
        for (index, ref) in outputs.enumerated() where columns[index].type != ref.type {
            columns[index] = try ScanOperator.convert(columns[index], to: ref.type)
        }
        return RecordBatch(schema: outputSchema, columns: columns, rowCount: batch.rowCount)
    }

    /// Converts a stored column to the engine type the planner assigned it.
    static func convert(_ column: Column, to type: DataType) throws -> Column {
        switch (column.type, type) {
        case (.timestamp(let unit, _), .timestamp):
            let values = column.int64Values
            let micros: [Int64]
            switch unit {
            case .seconds: micros = values.map { $0 &* 1_000_000 }
            case .milliseconds: micros = values.map { $0 &* 1000 }
            case .microseconds: micros = values
            case .nanoseconds: micros = values.map { CivilTime.floorDiv($0, 1000) }
            }
            return Column(type: type, storage: .int64(micros), validity: column.validity)
        case (.uint8, _), (.uint16, _), (.uint32, _), (.uint64, _):
            return Column.fromInt64(column.int64Values, type: type, validity: column.validity)
        case (.fixedBinary, .binary):
            var builder = StringColumnBuilder(capacity: column.count)
            for i in 0..<column.count {
                if column.isNull(i) { builder.appendNull() } else { column.withBytes(at: i) { builder.append($0) } }
            }
            return builder.build(type: .binary)
        default:
            if column.type.physical == type.physical { return Column(type: type, storage: column.storage, validity: column.validity) }
            return try CastKernels.cast(column, to: type, safe: false)
        }
    }
}
