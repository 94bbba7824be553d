/// # TarnCore
///
/// The bottom layer every other Tarn module may import. It owns only things that have no
/// opinion about data formats, HTTP or the data directory layout:
///
/// ```
///  TarnError (stable codes) ─ Clock (injectable time) ─ IDs (request, upload, run ids)
///  Checksums (CRC32, CRC32C, CRC64NVME) ─ Hex ─ DurableFile (temp → fsync → rename)
///  SQLiteDatabase (thin, typed wrapper for the metadata stores) ─ Logging setup
/// ```
///
/// Nothing here allocates per value on a hot path; checksums work on contiguous buffers.
public enum TarnCoreModule {
    /// The version string printed by `tarn version` and sent as `Server:` header.
    public static let version = "0.1.0"
}
