using IocCenter.Devices.Cli;

return DevicesCommand.Run(args, Console.Out, Console.Error, Console.In);
