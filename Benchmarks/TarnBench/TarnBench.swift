import Foundation
import TarnCore

/// Entry point of `swift run -c release TarnBench <name> [args…]`.
///
/// Each benchmark is a function registered in `BenchmarkRegistry.all` (one file per area). They
/// print machine-readable result lines (`RESULT name=value unit`) that the driver scripts in
/// `Benchmarks/` collect next to the peer tools' numbers and turn into `docs/BENCHMARKS.md` rows.
@main
struct TarnBench {
    static func main() async throws {
        // As `tarn` does (TarnCore.AllocatorTuning), so the numbers are the executable's.
        AllocatorTuning.apply()
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let benchmark = BenchmarkRegistry.all[name] else {
            print("usage: TarnBench <benchmark> [args…]\nbenchmarks: " + BenchmarkRegistry.all.keys.sorted().joined(separator: ", "))
            exit(2)
        }
        do {
            try await benchmark(Array(arguments.dropFirst()))
        } catch {
            // A usage mistake or a failed run: say so and exit non-zero, without a crash report.
            FileHandle.standardError.write(Data("TarnBench \(name): \(error)\n".utf8))
            exit(1)
        }
    }
}

/// Prints one result line in the format the driver scripts parse.
func report(_ name: String, _ value: Double, _ unit: String) {
    print("RESULT \(name)=\(value) \(unit)")
}

/// Wall time of `body` in seconds.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Peak resident set size of this process so far, in bytes (Linux `VmHWM`).
func peakRSS() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb * 1024
    }
    return 0
}
