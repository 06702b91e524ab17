// Placeholder so the target builds before its issue lands; delete when real code arrives.
enum _GreenStreamStorePlaceholder {}
