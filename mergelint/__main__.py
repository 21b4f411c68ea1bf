from mergelint.cli import main

main()
