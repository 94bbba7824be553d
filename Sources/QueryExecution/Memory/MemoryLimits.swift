import Foundation

/// The default per-query memory limit: a fraction of the memory this process may use, as
/// DuckDB's `memory_limit` defaults to 80 % of RAM.
///
/// A fixed 4 GiB stopped the DISTINCT over 10 M raw sales rows on a 23 GB machine that had the
/// memory (docs/BENCHMARKS.md); a fixed number is too small on a big machine and too large on a
/// small container. "The memory this process may use" is the smaller of the machine's physical
/// memory and the cgroup's limit (`memory.max` in cgroup v2, `memory.limit_in_bytes` in v1),
/// so a container with 2 GB gets a 1.6 GB limit, not 80 % of the host.
public enum MemoryLimits {
    /// The share of available memory one query may hold by default.
    public static let defaultFraction = 0.8

    /// `defaultFraction` of `availableMemory()`, computed once.
    public static let defaultPerQuery: Int = perQuery(available: availableMemory())

    /// `defaultFraction` of `available` bytes, at least 64 MiB.
    public static func perQuery(available: Int) -> Int {
        max(64 << 20, Int(Double(available) * defaultFraction))
    }

    /// The smaller of physical memory and the process's cgroup memory limit, in bytes.
    public static func availableMemory() -> Int {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        let cgroup = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].lazy
            .compactMap { path in (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(cgroupLimit) }
            .first
        guard let cgroup, cgroup > 0 else { return physical }
        return min(physical, cgroup)
    }

    /// The byte limit in a cgroup memory file's text, or nil when there is none: cgroup v2
    /// writes `max` for no limit; v1 writes a number near `Int64.max` (rounded to the page size).
    public static func cgroupLimit(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = Int64(trimmed), value > 0, value < Int64.max / 2 else { return nil }
        return Int(value)
    }
}
