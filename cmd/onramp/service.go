package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/kardianos/service"
	"github.com/spf13/cobra"
)

// OnRamp as a Windows service or a systemd unit, so that it starts with the PC and nobody has
// to remember to run it in the morning.

type program struct {
	cmd    *cobra.Command
	cancel context.CancelFunc
	done   chan error
}

func (p *program) Start(s service.Service) error {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan error, 1)
	c, err := loadConfig(p.cmd)
	if err != nil {
		return err
	}
	c.OpenBrowser = false
	log, closer, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	go func() {
		defer closer.Close()
		p.done <- serve(ctx, c, log, nil)
	}()
	return nil
}

func (p *program) Stop(s service.Service) error {
	p.cancel()
	return <-p.done
}

func serviceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "service install|uninstall|start|stop|run",
		Short: "Register OnRamp to start with the PC (Windows service or systemd unit)",
		Long: `install registers OnRamp as a system service using this binary, the data folder and
the listen address given now (absolute paths), so it starts whenever the PC starts.
uninstall removes it; start and stop control it; run is what the service manager calls.
Installing needs an administrator (Windows) or root (Linux).`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"install", "uninstall", "start", "stop", "run"},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			svcArgs := []string{"service", "run", "--data", c.Data, "--listen", c.Listen}
			if c.file != "" {
				abs, _ := filepath.Abs(c.file)
				svcArgs = append(svcArgs, "--config", abs)
			}
			conf := &service.Config{
				Name:        "OnRamp",
				DisplayName: "OnRamp clinic system",
				Description: "OnRamp clinic records, labels and eHealth sharing",
				Arguments:   svcArgs,
				Option:      service.KeyValue{"OnFailure": "restart", "Restart": "on-failure"},
			}
			prg := &program{cmd: cmd}
			s, err := service.New(prg, conf)
			if err != nil {
				return err
			}
			switch args[0] {
			case "run":
				if service.Interactive() {
					// Run from a terminal: behave like serve, stopping on Ctrl+C.
					ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
					defer stop()
					if err := prg.Start(s); err != nil {
						return err
					}
					<-ctx.Done()
					return prg.Stop(s)
				}
				return s.Run()
			case "install", "uninstall", "start", "stop":
				if err := service.Control(s, args[0]); err != nil {
					return fmt.Errorf("service %s: %w", args[0], err)
				}
				cmd.Printf("Service %s: done.\n", args[0])
				return nil
			}
			return fmt.Errorf("unknown action %q: use install, uninstall, start, stop or run", args[0])
		},
	}
	return cmd
}
