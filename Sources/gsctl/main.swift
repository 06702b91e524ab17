import GreenStreamCtl

// gsctl: parsing, the calls and the output live in GreenStreamCtl (tested there).
await Gsctl.runMain()
