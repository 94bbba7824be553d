/// Type ids of the Thrift compact protocol, as they appear in field headers and collection
/// headers.
///
/// From the Thrift compact protocol specification: "BOOLEAN_TRUE, encoded as 1; BOOLEAN_FALSE,
/// encoded as 2; I8, encoded as 3; I16, encoded as 4; I32, encoded as 5; I64, encoded as 6;
/// DOUBLE, encoded as 7; BINARY, used for binary and string fields, encoded as 8; LIST, encoded
/// as 9; SET, encoded as 10; MAP, encoded as 11; STRUCT, encoded as 12". A zero byte ends a
/// struct.
enum CompactType: UInt8, Sendable {
    case stop = 0
    case boolTrue = 1
    case boolFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12

    /// Whether a field header of this type carries a boolean value in the type nibble itself.
    var isBool: Bool { self == .boolTrue || self == .boolFalse }
}

/// One field header inside a struct: its id and wire type.
struct ThriftField: Sendable {
    /// The field id from the IDL (`1: required i32 version` has id 1).
    var id: Int16
    /// The wire type.
    var type: CompactType
}
