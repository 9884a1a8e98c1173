// Per-type histogram (count, shallow bytes) of a heap walk recorded by
//   dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1980001:5 --duration 00:00:00:10
// (the session's start induces one full, blocking GC that walks the heap; --buffersize 1024 keeps every event)
// usage: dotnet fsi heaphist.fsx snapshot.nettrace [top] [names-from.nettrace ...] (see heapparents.fsx for names-from)
#r "nuget: Microsoft.Diagnostics.Tracing.TraceEvent, 3.1.21"
open System.Collections.Generic
open Microsoft.Diagnostics.Tracing
let path = fsi.CommandLineArgs.[1]
let top = if fsi.CommandLineArgs.Length > 2 then int fsi.CommandLineArgs.[2] else 40
let names = Dictionary<uint64, string>()
let args = Dictionary<uint64, uint64[]>()
let perGc = SortedDictionary<int, Dictionary<uint64, int64 * int64>>()
for extra in fsi.CommandLineArgs |> Array.skip (min 3 fsi.CommandLineArgs.Length) do
  let names' = new EventPipeEventSource(extra)
  names'.Clr.add_TypeBulkType(fun d ->
    for i in 0 .. d.Count - 1 do
      let v = d.Values i
      names.[v.TypeID] <- v.TypeName
      args.[v.TypeID] <- [| for j in 0 .. v.TypeParameterCount - 1 -> v.TypeParameterID j |])
  names'.Process() |> ignore
let mutable gc = 0
let source = new EventPipeEventSource(path)
source.Clr.add_GCStart(fun d -> gc <- d.Count)
source.Clr.add_TypeBulkType(fun d ->
  for i in 0 .. d.Count - 1 do
    let v = d.Values i
    names.[v.TypeID] <- v.TypeName
    args.[v.TypeID] <- [| for j in 0 .. v.TypeParameterCount - 1 -> v.TypeParameterID j |])
source.Clr.add_GCBulkNode(fun d ->
  let h = match perGc.TryGetValue gc with | true, h -> h | _ -> let h = Dictionary() in perGc.[gc] <- h; h
  for i in 0 .. d.Count - 1 do
    let v = d.Values i
    let (c, s) = match h.TryGetValue v.TypeID with | true, x -> x | _ -> (0L, 0L)
    h.[v.TypeID] <- (c + 1L, s + int64 v.Size))
source.Process() |> ignore
let rec name depth id =
  match names.TryGetValue id with
  | true, n ->
    match args.TryGetValue id with
    | true, a when a.Length > 0 && depth < 3 -> sprintf "%s<%s>" n (a |> Array.map (name (depth + 1)) |> String.concat ",")
    | _ -> n
  | _ -> sprintf "type#%x" id
for kv in perGc do
  let rows = kv.Value |> Seq.map (fun t -> name 0 t.Key, fst t.Value, snd t.Value) |> Seq.sortByDescending (fun (_, _, s) -> s) |> Seq.toList
  printfn "# GC %d: %d objects, %.1f MB" kv.Key (rows |> List.sumBy (fun (_, c, _) -> c)) (float (rows |> List.sumBy (fun (_, _, s) -> s)) / 1048576.0)
  printfn "bytes\tcount\ttype"
  for (n, c, s) in rows |> List.truncate top do printfn "%d\t%d\t%s" s c n
