import Codecs
import Columnar
import Foundation
import Parquet
import TarnCore

/// User + system CPU seconds of this process so far. On a shared machine wall time includes
/// waiting for a core; CPU time is the work done.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// `TarnBench parquet-decode FILE`: full decode of every column of every row group, one thread.
/// Prints wall time, rows/s and peak RSS.
@Sendable func parquetDecodeBenchmark(_ arguments: [String]) async throws {
    guard let path = arguments.first else { throw TarnError(.invalidArgument, "usage: parquet-decode FILE [REPEAT]") }
    let repeats = arguments.count > 1 ? Int(arguments[1]) ?? 1 : 1
    if arguments.count > 2 && arguments[2] == "per-column" {
        // Where the time goes: decode each column alone.
        let reader = try ParquetFileReader(path: path)
        for field in reader.metadata.schema.fields {
            let start = cpuSeconds()
            for group in 0..<reader.metadata.rowGroupCount { _ = try reader.read(rowGroup: group, columns: [field.name]) }
            report("parquet_decode_cpu_\(field.name)_\(field.type)", cpuSeconds() - start, "s")
        }
    }
    var best = Double.infinity
    var bestCPU = Double.infinity
    var rows = 0
    var bytes = 0
    for _ in 0..<repeats {
        var seen = 0
        var read = 0
        let cpuStart = cpuSeconds()
        let seconds = try measure {
            let reader = try ParquetFileReader(path: path)
            for group in 0..<reader.metadata.rowGroupCount {
                let (batch, bytesRead) = try reader.read(rowGroup: group)
                seen += batch.rowCount
                read += bytesRead
            }
        }
        best = min(best, seconds)
        bestCPU = min(bestCPU, cpuSeconds() - cpuStart)
        rows = seen
        bytes = read
    }
    report("parquet_decode_seconds", best, "s")
    report("parquet_decode_cpu_seconds", bestCPU, "s")
    report("parquet_decode_rows_per_second", Double(rows) / best, "rows/s")
    report("parquet_decode_bytes_read", Double(bytes), "bytes")
    report("parquet_decode_peak_rss", Double(peakRSS()), "bytes")
}

/// `TarnBench parquet-convert CSV OUT [CODEC]`: CSV → Parquet with the Parquet writer, streaming
/// 64 Ki-row batches. The CSV side is a small local parser for the `sales` table (see
/// `SalesCSV`), standing in until `tarn convert` is wired to TextFormats.
@Sendable func parquetConvertBenchmark(_ arguments: [String]) async throws {
    guard arguments.count >= 2 else { throw TarnError(.invalidArgument, "usage: parquet-convert CSV OUT [snappy|zstd|gzip|none]") }
    var options = WriteOptions()
    if arguments.count > 2, let codec = CompressionCodec(name: arguments[2]) { options.compression = codec }
    var rows = 0
    let cpuStart = cpuSeconds()
    let seconds = try measure {
        rows = try SalesCSV.convert(csvPath: arguments[0], parquetPath: arguments[1], options: options)
    }
    report("parquet_convert_seconds", seconds, "s")
    report("parquet_convert_cpu_seconds", cpuSeconds() - cpuStart, "s")
    report("parquet_convert_rows", Double(rows), "rows")
    report("parquet_convert_peak_rss", Double(peakRSS()), "bytes")
}
