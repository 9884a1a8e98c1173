// Who holds the objects of one type in a heap walk: the types of the objects referencing them, by the bytes held.
// usage: dotnet fsi heapparents.fsx snapshot.nettrace "System.Byte[]" [names-from.nettrace ...]
// The runtime names each type once per process: for a second snapshot of the same process, pass the first one
// as names-from. Record a snapshot as heaphist.fsx says (it induces one full, blocking GC).
#r "nuget: Microsoft.Diagnostics.Tracing.TraceEvent, 3.1.21"
open System.Collections.Generic
open Microsoft.Diagnostics.Tracing
let args = fsi.CommandLineArgs
let names = Dictionary<uint64, string>()
let readNames (path: string) =
  let s = new EventPipeEventSource(path)
  s.Clr.add_TypeBulkType(fun d -> for i in 0 .. d.Count - 1 do let v = d.Values i in names.[v.TypeID] <- v.TypeName)
  s.Process() |> ignore
for p in args.[3..] do readNames p
let nodes = List<uint64 * uint64 * uint64 * int64>() // address, size, type, edges
let edges = List<uint64>()
let s = new EventPipeEventSource(args.[1])
s.Clr.add_TypeBulkType(fun d -> for i in 0 .. d.Count - 1 do let v = d.Values i in names.[v.TypeID] <- v.TypeName)
s.Clr.add_GCBulkNode(fun d -> for i in 0 .. d.Count - 1 do let v = d.Values i in nodes.Add((v.Address, v.Size, v.TypeID, v.EdgeCount)))
s.Clr.add_GCBulkEdge(fun d -> for i in 0 .. d.Count - 1 do edges.Add((d.Values i).Target))
s.Process() |> ignore
let name id = match names.TryGetValue id with | true, n -> n | _ -> sprintf "type#%x" id
let byAddress = Dictionary<uint64, int>()
for i in 0 .. nodes.Count - 1 do let (a, _, _, _) = nodes.[i] in byAddress.[a] <- i
let parents = Dictionary<int, List<int>>()
let mutable e = 0
for i in 0 .. nodes.Count - 1 do
  let (_, _, _, n) = nodes.[i]
  for _ in 1L .. n do
    if e < edges.Count then
      match byAddress.TryGetValue edges.[e] with
      | true, t -> (match parents.TryGetValue t with | true, l -> l.Add i | _ -> parents.[t] <- List [i])
      | _ -> ()
    e <- e + 1
printfn "nodes %d, edges %d (consumed %d)" nodes.Count edges.Count e
let target = args.[2]
let hist = Dictionary<string, int64 * int>()
let mutable orphans = 0L
for i in 0 .. nodes.Count - 1 do
  let (_, size, t, _) = nodes.[i]
  if name t = target then
    match parents.TryGetValue i with
    | true, ps ->
      let key = ps |> Seq.map (fun p -> let (_, _, pt, _) = nodes.[p] in name pt) |> Seq.distinct |> Seq.sort |> String.concat " + "
      let (b, c) = match hist.TryGetValue key with | true, x -> x | _ -> (0L, 0)
      hist.[key] <- (b + int64 size, c + 1)
    | _ -> orphans <- orphans + int64 size
printfn "%s held only by roots: %.1f MB" target (float orphans / 1048576.0)
for kv in hist |> Seq.sortByDescending (fun kv -> fst kv.Value) |> Seq.truncate 25 do
  printfn "%10d %6d  %s" (fst kv.Value) (snd kv.Value) (kv.Key.Substring(0, min 150 kv.Key.Length))
