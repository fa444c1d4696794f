using System.Runtime.CompilerServices;

// Hot-path buffers (stackalloc, large structs) need no zeroing: every byte is written before it is read.
[module: SkipLocalsInit]
