# --hex input that is not hex, or has an odd number of digits: exit 2.
printf '7800 00zz\n' > a.txt
"$IOAS" decode --hex a.txt
echo "exit $?"
printf '780\n' > b.txt
"$IOAS" decode --hex b.txt
echo "exit $?"
