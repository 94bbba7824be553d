import Columnar

/// The decoded, non-null values of one leaf column in its physical representation, appended
/// page by page. One array per physical kind so decoders write straight into contiguous
/// storage; only the array of the column's kind is used.
///
/// INT96 values are converted to Int64 nanoseconds as they are decoded (the only use of INT96
/// is Impala/Spark timestamps), so they live in `int64`.
struct ValueBuffer {
    var bools: [Bool] = []
    var int32: [Int32] = []
    var int64: [Int64] = []
    var float: [Float] = []
    var double: [Double] = []
    /// Byte arrays: value `i` is `data[offsets[i]..<offsets[i + 1]]`.
    var offsets: [Int32] = [0]
    /// Bytes of byte arrays, or `width`-byte fixed values back to back.
    var data: [UInt8] = []

    let physical: PhysicalType
    /// Byte width of FIXED_LEN_BYTE_ARRAY values.
    let width: Int
    /// Unit INT96 timestamps are converted to.
    var int96Unit: TimeUnit = .nanoseconds

    init(physical: PhysicalType, width: Int) {
        self.physical = physical
        self.width = width
    }

    /// Number of values held.
    var count: Int {
        switch physical {
        case .boolean: bools.count
        case .int32: int32.count
        case .int64, .int96: int64.count
        case .float: float.count
        case .double: double.count
        case .byteArray: offsets.count - 1
        case .fixedLenByteArray: width == 0 ? 0 : data.count / width
        }
    }

    /// Reserves room for `count` more values.
    mutating func reserve(_ count: Int) {
        switch physical {
        case .boolean: bools.reserveCapacity(bools.count + count)
        case .int32: int32.reserveCapacity(int32.count + count)
        case .int64, .int96: int64.reserveCapacity(int64.count + count)
        case .float: float.reserveCapacity(float.count + count)
        case .double: double.reserveCapacity(double.count + count)
        case .byteArray: offsets.reserveCapacity(offsets.count + count)
        case .fixedLenByteArray: data.reserveCapacity(data.count + count * width)
        }
    }
}
