#if canImport(Glibc)
import Glibc
#endif

/// Process-wide settings of the C allocator, applied once at start-up by the executables.
///
/// Why: the query engine allocates column buffers of a few hundred KB to a few MB per row group
/// and batch (128 Ki rows × 8 bytes is 1 MiB). glibc's malloc serves blocks above
/// `M_MMAP_THRESHOLD` (128 KiB until it adapts) with a fresh `mmap` and gives them back with
/// `munmap` on free, and trims a heap's free top above `M_TRIM_THRESHOLD` back to the kernel, so
/// every row group paid for page faults and zeroed pages again. `perf` on the lake queries put
/// 30 % of a query's CPU in the kernel (`exc_page_fault`, `clear_page_erms`, `unmap_page_range`);
/// with these settings a `tarn query` of p01 takes 13 k minor faults instead of 103 k and 35 %
/// less CPU (docs/BENCHMARKS.md, "SQL over the lake").
///
/// The cost: up to `trimThreshold` bytes of freed memory per malloc arena stay in the process
/// instead of going back to the kernel. Blocks above `mmapThreshold` (32 MiB, glibc's ceiling
/// for the setting on 64-bit) are still mapped and unmapped per use.
public enum AllocatorTuning {
    /// Blocks at least this large are mapped separately (glibc: `M_MMAP_THRESHOLD`).
    public static let mmapThreshold: Int32 = 32 << 20
    /// Free memory at the top of a heap above this is returned to the kernel (`M_TRIM_THRESHOLD`).
    public static let trimThreshold: Int32 = 64 << 20

    /// Applies the settings (glibc only; elsewhere nothing to do). Call it before the process
    /// allocates much, from the executable's entry point; a `GLIBC_TUNABLES` or `MALLOC_*`
    /// environment setting given by the operator wins.
    public static func apply() {
        #if canImport(Glibc)
        if environmentTunesMalloc() { return }
        // <malloc.h> is not part of Swift's Glibc module: look `mallopt` up in the C library.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(Self.mTrimThreshold, trimThreshold)
        _ = mallopt(Self.mMmapThreshold, mmapThreshold)
        #endif
    }

    #if canImport(Glibc)
    /// `M_TRIM_THRESHOLD` in glibc's <malloc.h>: `#define M_TRIM_THRESHOLD -1`.
    private static let mTrimThreshold: Int32 = -1
    /// `M_MMAP_THRESHOLD` in glibc's <malloc.h>: `#define M_MMAP_THRESHOLD -3`.
    private static let mMmapThreshold: Int32 = -3

    /// Whether the operator tuned malloc through the environment already.
    private static func environmentTunesMalloc() -> Bool {
        for name in ["GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"] where getenv(name) != nil {
            return true
        }
        return false
    }
    #endif
}
