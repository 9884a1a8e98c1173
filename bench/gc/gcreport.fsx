// GC events of a running process, per minute: collections by generation, GC heaps (DATAS), the longest pause
// (SuspendEE → RestartEE), the largest heap and gen0 budget. Record with
//   dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:4 -o gc.nettrace
// usage: dotnet fsi gcreport.fsx gc.nettrace
#r "nuget: Microsoft.Diagnostics.Tracing.TraceEvent, 3.1.21"
open Microsoft.Diagnostics.Tracing
let path = fsi.CommandLineArgs.[1]
let source = new EventPipeEventSource(path)
// per minute: GC count by generation, max NumHeaps, pause ms (SuspendEEStart -> RestartEEStop), max heap size, gen0 budget
let stats = System.Collections.Generic.SortedDictionary<int, int[] * float ref * int ref * float ref * float ref>()
let get (m: int) =
  match stats.TryGetValue m with
  | true, v -> v
  | _ -> let v = ([|0;0;0|], ref 0.0, ref 0, ref 0.0, ref 0.0) in stats.[m] <- v; v
let mutable suspendAt = 0.0
source.Clr.add_GCGlobalHeapHistory(fun d ->
  let (gens, _, heaps, _, budget) = get (int (d.TimeStampRelativeMSec / 60000.0))
  let g = min 2 d.CondemnedGeneration
  gens.[g] <- gens.[g] + 1
  heaps.Value <- max heaps.Value d.NumHeaps
  budget.Value <- max budget.Value (float d.FinalYoungestDesired / 1048576.0))
source.Clr.add_GCSuspendEEStart(fun d -> suspendAt <- d.TimeStampRelativeMSec)
source.Clr.add_GCRestartEEStop(fun d ->
  let (_, pause, _, _, _) = get (int (d.TimeStampRelativeMSec / 60000.0))
  if suspendAt > 0.0 then pause.Value <- max pause.Value (d.TimeStampRelativeMSec - suspendAt))
source.Clr.add_GCHeapStats(fun d ->
  let (_, _, _, size, _) = get (int (d.TimeStampRelativeMSec / 60000.0))
  size.Value <- max size.Value (float d.TotalHeapSize / 1048576.0))
(try source.Process() |> ignore with e -> eprintfn "stopped: %s" e.Message)
printfn "minute gen0 gen1 gen2 maxHeaps maxPauseMs maxHeapMb maxGen0BudgetMb"
for kv in stats do
  let (g, p, h, s, b) = kv.Value
  printfn "%d %d %d %d %d %.1f %.1f %.1f" kv.Key g.[0] g.[1] g.[2] h.Value p.Value s.Value b.Value
