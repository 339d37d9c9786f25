package io.octvex.desk;

import javafx.application.Application;

/**
 * The Desk's main class. It is deliberately not the {@link Application} subclass: started from the class
 * path, JavaFX refuses an Application main class ("JavaFX runtime components are missing"), so this plain
 * class checks the arguments and hands over to {@link DeskApp}.
 */
public final class DeskLauncher {
    private DeskLauncher() {}

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(DeskOptions.USAGE);
            return;
        }
        try {
            DeskOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("octvex-desk: " + e.getMessage());
            System.err.println(DeskOptions.USAGE);
            System.exit(2);
        }
        Application.launch(DeskApp.class, args);
    }
}
