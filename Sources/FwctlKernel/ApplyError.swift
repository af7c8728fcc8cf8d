
/// An error of reading, planning or applying that the user can act on: one line saying what
/// went wrong and what to do (kernel errors become one through `ApplyError.explained`).
public struct ApplyError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
