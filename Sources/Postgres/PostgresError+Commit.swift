extension PostgresError {
    /// The connection broke while `COMMIT` was on its way or being answered: the transaction
    /// may have committed or not, and only the database can tell (R-H-3, R-J-7). Whoever ran the
    /// transaction must find out what happened before reporting a failure or undoing anything.
    public var isCommitOutcomeUnknown: Bool { operation == "commit" && isConnectionFailure }
}
